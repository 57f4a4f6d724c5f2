// Tasks as people write them over the suite's 16 CSVs: four phrasings each that avoid the target column's name, with
// the target and metric a careful reader takes from them (the metric's default for the target where none is said).
// Written by hand for issue 11 before the inference that reads them; `heldOut` ones were written after it was done.
import type { MetricName } from '../../core/types.ts';

export interface PlainWordsTask {
  /** The suite task whose CSV the phrasing is about (datasets/suite/suite.json id). */
  suite: string;
  text: string;
  target: string[];
  metric: MetricName;
  /** Written once the inference was finished, so its lexicon never saw them. */
  heldOut?: boolean;
}

export const PLAIN_WORDS_TASKS: PlainWordsTask[] = [
  // heat_flux: x_e_out [-]
  {
    suite: 'heat_flux',
    text: 'For each boiling-water experiment, estimate the equilibrium quality at the outlet from pressure, mass flux, the two channel diameters, heated length and the measured critical heat flux. Report RMSE.',
    target: ['x_e_out [-]'],
    metric: 'rmse',
  },
  {
    suite: 'heat_flux',
    text: 'How much vapour is there at the exit of the heated channel? Predict the outlet steam quality from the test conditions. Lower root mean squared error is better.',
    target: ['x_e_out [-]'],
    metric: 'rmse',
  },
  {
    suite: 'heat_flux',
    text: 'We have critical heat flux experiments and I want a model of the exit quality given the other measurements. Score it with the mean absolute error.',
    target: ['x_e_out [-]'],
    metric: 'mae',
  },
  {
    suite: 'heat_flux',
    text: 'Regression: given the author, geometry, pressure, mass flux, diameters, length and critical heat flux of a run, what is its outlet equilibrium quality?',
    target: ['x_e_out [-]'],
    metric: 'rmse',
  },
  // machine_failure: Machine failure
  {
    suite: 'machine_failure',
    text: 'Will the machine break down? Give the probability of a breakdown for each row from product type, air and process temperature, rotational speed, torque and tool wear. Area under the ROC curve.',
    target: ['Machine failure'],
    metric: 'roc-auc',
  },
  {
    suite: 'machine_failure',
    text: 'Predict which machines fail from their sensor readings (temperatures, speed, torque, tool wear). Metric: ROC AUC.',
    target: ['Machine failure'],
    metric: 'roc-auc',
  },
  {
    suite: 'machine_failure',
    text: 'I need to flag units that are about to stop working, using the milling process data. Judge it by AUC.',
    target: ['Machine failure'],
    metric: 'roc-auc',
  },
  {
    suite: 'machine_failure',
    text: 'Predictive maintenance: estimate how likely each machine is to fail given its operating conditions.',
    target: ['Machine failure'],
    metric: 'roc-auc',
  },
  // air_quality: pm2.5
  {
    suite: 'air_quality',
    text: "Forecast Beijing's fine particulate concentration for the last stretch of the record from the date, hour and weather (dew point, temperature, pressure, wind, snow, rain). RMSE.",
    target: ['pm2.5'],
    metric: 'rmse',
  },
  {
    suite: 'air_quality',
    text: 'How polluted will the air be each hour? Predict the smog level from the weather readings. Root mean squared error.',
    target: ['pm2.5'],
    metric: 'rmse',
  },
  {
    suite: 'air_quality',
    text: 'Hourly air pollution in Beijing: predict the concentration of fine particulate matter in the final period given dew point, temperature, pressure, wind direction and speed. Lower RMSE is better.',
    target: ['pm2.5'],
    metric: 'rmse',
  },
  {
    suite: 'air_quality',
    text: 'Model how smoggy Beijing gets each hour from the weather data; evaluated by mean absolute error.',
    target: ['pm2.5'],
    metric: 'mae',
  },
  // student_summaries: content, wording
  {
    suite: 'student_summaries',
    text: 'Grade student summaries: for each summary predict two scores, how well it captures the main ideas of the source and how well it is written. Mean column-wise RMSE; held-out summaries answer a prompt not seen in training.',
    target: ['content', 'wording'],
    metric: 'mcrmse',
  },
  {
    suite: 'student_summaries',
    text: 'Score each summary on two things: the substance of what it says and the quality of its language. Average the RMSE over both scores.',
    target: ['content', 'wording'],
    metric: 'mcrmse',
  },
  {
    suite: 'student_summaries',
    text: "Predict both marks a teacher gave each summary, one for the ideas it covers and one for its style and vocabulary, from the summary's text. MCRMSE.",
    target: ['content', 'wording'],
    metric: 'mcrmse',
  },
  {
    suite: 'student_summaries',
    text: 'Automatic essay feedback: estimate how much of the source each summary covers and how good its phrasing is.',
    target: ['content', 'wording'],
    metric: 'mcrmse',
  },
  // card_fraud: Class
  {
    suite: 'card_fraud',
    text: 'Spot fraudulent card transactions from the time, amount and the anonymised components. Give the probability of fraud; area under the ROC curve.',
    target: ['Class'],
    metric: 'roc-auc',
  },
  {
    suite: 'card_fraud',
    text: 'Which transactions are fraud? Score by ROC AUC.',
    target: ['Class'],
    metric: 'roc-auc',
  },
  {
    suite: 'card_fraud',
    text: 'Flag suspicious credit card payments using the PCA features. Metric: AUC.',
    target: ['Class'],
    metric: 'roc-auc',
  },
  {
    suite: 'card_fraud',
    text: 'Catch the scams among these card transactions.',
    target: ['Class'],
    metric: 'roc-auc',
  },
  // california_housing: median_house_value
  {
    suite: 'california_housing',
    text: 'What is a home worth in each California district? Predict it from location, age of the housing, rooms, bedrooms, population, households, income and closeness to the ocean. RMSE.',
    target: ['median_house_value'],
    metric: 'rmse',
  },
  {
    suite: 'california_housing',
    text: 'Estimate what houses sell for in each block group, judged by root mean squared error.',
    target: ['median_house_value'],
    metric: 'rmse',
  },
  {
    suite: 'california_housing',
    text: 'Predict district home prices from the census features. Lower RMSE wins.',
    target: ['median_house_value'],
    metric: 'rmse',
  },
  {
    suite: 'california_housing',
    text: 'Regression on California census blocks: how much are the houses worth? Mean absolute error.',
    target: ['median_house_value'],
    metric: 'mae',
  },
  // crab_age: Age
  {
    suite: 'crab_age',
    text: "I'd like to predict how old a crab is from its measurements (sex, length, diameter, height, weights). Lower mean absolute error is better.",
    target: ['Age'],
    metric: 'mae',
  },
  {
    suite: 'crab_age',
    text: 'How many months old is each crab? Use the shell measurements and weights; evaluate with MAE.',
    target: ['Age'],
    metric: 'mae',
  },
  {
    suite: 'crab_age',
    text: 'Tell me how old the crabs are, given sex and body measurements. RMSE is fine.',
    target: ['Age'],
    metric: 'rmse',
  },
  {
    suite: 'crab_age',
    text: 'From the physical measurements, work out how long each crab has lived. Average absolute error.',
    target: ['Age'],
    metric: 'mae',
  },
  // blueberry_yield: bb_yield
  {
    suite: 'blueberry_yield',
    text: 'How many blueberries will a field produce? Predict the harvest from clone size, bee densities, temperature ranges, rain and fruit set, mass and seeds. Mean absolute error.',
    target: ['bb_yield'],
    metric: 'mae',
  },
  {
    suite: 'blueberry_yield',
    text: 'Estimate the crop output of wild blueberry plots from the pollination simulation. MAE.',
    target: ['bb_yield'],
    metric: 'mae',
  },
  {
    suite: 'blueberry_yield',
    text: 'Predict blueberry production per plot given the bees and the weather; scored by mean absolute error.',
    target: ['bb_yield'],
    metric: 'mae',
  },
  {
    suite: 'blueberry_yield',
    text: 'Work out how much fruit each simulated blueberry field gives. RMSE.',
    target: ['bb_yield'],
    metric: 'rmse',
  },
  // bank_churn: Exited
  {
    suite: 'bank_churn',
    text: 'Which bank customers will leave? Predict the probability that a customer closes their account from credit score, geography, gender, age, tenure, balance, products, card, activity and salary. ROC AUC.',
    target: ['Exited'],
    metric: 'roc-auc',
  },
  {
    suite: 'bank_churn',
    text: 'Predict customer churn for the bank; area under the ROC curve.',
    target: ['Exited'],
    metric: 'roc-auc',
  },
  {
    suite: 'bank_churn',
    text: 'Find the clients likely to quit the bank. Judge it on AUC.',
    target: ['Exited'],
    metric: 'roc-auc',
  },
  {
    suite: 'bank_churn',
    text: 'Will this customer stay with the bank or go? Accuracy.',
    target: ['Exited'],
    metric: 'accuracy',
  },
  // paris_housing: price
  {
    suite: 'paris_housing',
    text: 'What is each Paris house worth, given square meters, rooms, floors, city code, part range, previous owners, year built, basement, attic, garage and guest rooms? RMSE.',
    target: ['price'],
    metric: 'rmse',
  },
  {
    suite: 'paris_housing',
    text: 'Estimate what a house in Paris sells for. Root mean squared error.',
    target: ['price'],
    metric: 'rmse',
  },
  {
    suite: 'paris_housing',
    text: 'Predict house values in Paris from the listing features; evaluated by RMSE.',
    target: ['price'],
    metric: 'rmse',
  },
  {
    suite: 'paris_housing',
    text: 'How much does each home cost? Use R squared.',
    target: ['price'],
    metric: 'r2',
  },
  // titanic: Survived
  {
    suite: 'titanic',
    text: 'Please predict survival for each passenger from class, sex, age, fare and where they boarded. We judge it on accuracy.',
    target: ['Survived'],
    metric: 'accuracy',
  },
  {
    suite: 'titanic',
    text: 'Who made it off the Titanic alive? Tell me for each passenger whether they lived, using class, sex, age, family aboard and fare. Accuracy.',
    target: ['Survived'],
    metric: 'accuracy',
  },
  {
    suite: 'titanic',
    text: 'Predict which passengers died in the sinking. Metric: accuracy.',
    target: ['Survived'],
    metric: 'accuracy',
  },
  {
    suite: 'titanic',
    text: "Titanic: estimate each passenger's chance of surviving the disaster.",
    target: ['Survived'],
    metric: 'roc-auc',
  },
  // adult_income: salary
  {
    suite: 'adult_income',
    text: 'Does a person earn more than 50K a year? Predict it from age, work class, education, marital status, occupation, relationship, race, sex, capital gains and losses, hours per week and country. ROC AUC.',
    target: ['salary'],
    metric: 'roc-auc',
  },
  {
    suite: 'adult_income',
    text: "Predict whether someone's income is above fifty thousand dollars from the census record. Area under the ROC curve.",
    target: ['salary'],
    metric: 'roc-auc',
  },
  {
    suite: 'adult_income',
    text: 'Classify adults as high or low earners from census data; accuracy.',
    target: ['salary'],
    metric: 'accuracy',
  },
  {
    suite: 'adult_income',
    text: 'Who makes over 50K? Census data, judged by AUC.',
    target: ['salary'],
    metric: 'roc-auc',
  },
  // wine_quality: quality
  {
    suite: 'wine_quality',
    text: 'Rate each white wine from 3 to 9 from its chemistry (acidity, sugar, chlorides, sulphur dioxide, density, pH, sulphates, alcohol). Accuracy.',
    target: ['quality'],
    metric: 'accuracy',
  },
  {
    suite: 'wine_quality',
    text: "Predict the tasters' grade of each wine from the lab measurements. Classification accuracy.",
    target: ['quality'],
    metric: 'accuracy',
  },
  {
    suite: 'wine_quality',
    text: 'How good is this wine? Predict the score experts gave it from the physico-chemical tests. Mean absolute error.',
    target: ['quality'],
    metric: 'mae',
  },
  {
    suite: 'wine_quality',
    text: 'Guess the sensory rating of white wines from eleven measurements.',
    target: ['quality'],
    metric: 'accuracy',
  },
  // ames_housing: SalePrice
  {
    suite: 'ames_housing',
    text: 'What will each house in Ames sell for? Use the 79 variables about lot, building and condition. Score with RMSE on the log of the amounts.',
    target: ['SalePrice'],
    metric: 'rmsle',
  },
  {
    suite: 'ames_housing',
    text: 'Estimate home values in Ames, Iowa. Root mean squared logarithmic error.',
    target: ['SalePrice'],
    metric: 'rmsle',
  },
  {
    suite: 'ames_housing',
    text: 'Predict how much each Ames property went for, judged by RMSLE.',
    target: ['SalePrice'],
    metric: 'rmsle',
  },
  {
    suite: 'ames_housing',
    text: 'Ames housing: how much is each home worth?',
    target: ['SalePrice'],
    metric: 'rmse',
  },
  // sms_spam: type
  {
    suite: 'sms_spam',
    text: 'Tell spam from ham in these SMS messages; ROC AUC of the probability of spam.',
    target: ['type'],
    metric: 'roc-auc',
  },
  {
    suite: 'sms_spam',
    text: 'Filter out junk text messages: predict which messages are unwanted advertising. Area under the ROC curve.',
    target: ['type'],
    metric: 'roc-auc',
  },
  {
    suite: 'sms_spam',
    text: 'Is this text message spam? Accuracy.',
    target: ['type'],
    metric: 'accuracy',
  },
  {
    suite: 'sms_spam',
    text: 'Detect unsolicited SMS from the message text.',
    target: ['type'],
    metric: 'roc-auc',
  },
  // min_temperature: Temp
  {
    suite: 'min_temperature',
    text: "Forecast Melbourne's daily low for the last days of the record from the date and the history. RMSE.",
    target: ['Temp'],
    metric: 'rmse',
  },
  {
    suite: 'min_temperature',
    text: "How cold will the nights get in Melbourne? Predict each day's minimum reading. Root mean squared error.",
    target: ['Temp'],
    metric: 'rmse',
  },
  {
    suite: 'min_temperature',
    text: 'Predict the lowest daily temperature in Melbourne over the final held-out days.',
    target: ['Temp'],
    metric: 'rmse',
  },
  {
    suite: 'min_temperature',
    text: 'Melbourne weather: forecast how warm the coldest part of each day will be. Mean absolute error.',
    target: ['Temp'],
    metric: 'mae',
  },
  // Held out: written after the inference was finished, one per CSV.
  {
    suite: 'heat_flux',
    text: 'Using the CHF database, build a regressor for the thermodynamic quality of the flow where it leaves the tube.',
    target: ['x_e_out [-]'],
    metric: 'rmse',
    heldOut: true,
  },
  {
    suite: 'machine_failure',
    text: 'Which milling machines are going to have a breakdown? Use type, temperatures, rpm, torque and wear.',
    target: ['Machine failure'],
    metric: 'roc-auc',
    heldOut: true,
  },
  {
    suite: 'air_quality',
    text: 'I want to know the PM level in Beijing for every hour of the final weeks, given the weather; RMSE please.',
    target: ['pm2.5'],
    metric: 'rmse',
    heldOut: true,
  },
  {
    suite: 'student_summaries',
    text: 'For every summary, estimate the two grades a rater gave: one for comprehension of the source, one for the writing itself. Column-wise averaged RMSE.',
    target: ['content', 'wording'],
    metric: 'mcrmse',
    heldOut: true,
  },
  {
    suite: 'card_fraud',
    text: 'Is a given credit card charge genuine or fraudulent? ROC AUC.',
    target: ['Class'],
    metric: 'roc-auc',
    heldOut: true,
  },
  {
    suite: 'california_housing',
    text: 'Forecast the median home value per district in California; RMSE.',
    target: ['median_house_value'],
    metric: 'rmse',
    heldOut: true,
  },
  {
    suite: 'crab_age',
    text: "Given a crab's weight and shell size, how many years old is it? MAE.",
    target: ['Age'],
    metric: 'mae',
    heldOut: true,
  },
  {
    suite: 'blueberry_yield',
    text: "What's the expected blueberry harvest per field, based on bees, weather and fruit set? mean absolute error",
    target: ['bb_yield'],
    metric: 'mae',
    heldOut: true,
  },
  {
    suite: 'bank_churn',
    text: 'Identify customers at risk of closing their bank account. ROC AUC.',
    target: ['Exited'],
    metric: 'roc-auc',
    heldOut: true,
  },
  {
    suite: 'paris_housing',
    text: 'I need a model that values Paris properties. RMSE.',
    target: ['price'],
    metric: 'rmse',
    heldOut: true,
  },
  {
    suite: 'titanic',
    text: 'Build a classifier telling which Titanic passengers were rescued. Accuracy.',
    target: ['Survived'],
    metric: 'accuracy',
    heldOut: true,
  },
  {
    suite: 'adult_income',
    text: "Predict if an adult's yearly pay is over 50K. ROC AUC.",
    target: ['salary'],
    metric: 'roc-auc',
    heldOut: true,
  },
  {
    suite: 'wine_quality',
    text: 'Predict the taste score of white wines from their chemical analysis. Accuracy.',
    target: ['quality'],
    metric: 'accuracy',
    heldOut: true,
  },
  {
    suite: 'ames_housing',
    text: 'Estimate the final selling price of homes in Ames. RMSLE.',
    target: ['SalePrice'],
    metric: 'rmsle',
    heldOut: true,
  },
  {
    suite: 'sms_spam',
    text: 'Classify SMS as legitimate or unwanted. AUC.',
    target: ['type'],
    metric: 'roc-auc',
    heldOut: true,
  },
  {
    suite: 'min_temperature',
    text: "Predict tomorrow's overnight low in Melbourne from the past record. RMSE.",
    target: ['Temp'],
    metric: 'rmse',
    heldOut: true,
  },
];
